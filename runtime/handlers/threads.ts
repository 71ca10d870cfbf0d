import { ApiError } from "../errors";
import type { AppHandlers } from "../router";

const notYet = (): never => {
  throw new ApiError("internal", "not built yet");
};

export const threadHandlers: Pick<
  AppHandlers,
  "createThread" | "listThreads" | "getThread" | "updateThread" | "deleteThread" | "deleteEmptyThreads" | "listThreadMessages" | "eraseEndUser" | "getRetention" | "setRetention"
> = {
  createThread: notYet,
  listThreads: notYet,
  getThread: notYet,
  updateThread: notYet,
  deleteThread: notYet,
  deleteEmptyThreads: notYet,
  listThreadMessages: notYet,
  eraseEndUser: notYet,
  getRetention: notYet,
  setRetention: notYet,
};
