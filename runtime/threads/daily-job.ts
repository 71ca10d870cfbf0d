/** The Cron Trigger's daily job (stub: built by the threads work). */
export async function runDailyJob(_env: Env, _now: number): Promise<void> {}
