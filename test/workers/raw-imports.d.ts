// Vite's `?raw` suffix imports a file's text (the workers tests read the OpenAPI document this way).
declare module "*?raw" {
  const text: string;
  export default text;
}
