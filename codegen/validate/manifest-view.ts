// The parts of a connector manifest the semantic checks read. The full shape is the
// TypeSpec model (spec/formats/connector-manifest.tsp); ajv has already checked the
// value against it when these types are applied.
export interface FieldView {
  name: string;
}
export interface InjectionView {
  in: "header" | "query" | "basic" | "path";
  name?: string;
  value?: string;
  username?: string;
  password?: string;
}
/** A multipart file part: base64 content from an input, its file name and type, a byte limit. */
export interface FilePartView {
  content: string;
  filename?: string;
  content_type?: string;
  max_bytes: number;
}
export interface RequestView {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  body_encoding?: "json" | "form" | "multipart";
  files?: Record<string, FilePartView>;
}
export interface ToolView {
  name: string;
  description: string;
  annotations?: { read_only?: boolean; destructive?: boolean; idempotent?: boolean };
  input_schema: { type?: unknown; properties?: Record<string, unknown>; required?: string[] };
  request: RequestView;
  response?: { select?: string | Record<string, string>; max_chars?: number };
}
export interface ManifestView {
  id: string;
  name: string;
  description: string;
  categories: string[];
  docs_url?: string;
  auth: {
    mode: string;
    fields?: FieldView[];
    config?: FieldView[];
    inject?: InjectionView[];
    oauth2?: {
      token_url: string;
      client_auth?: "body" | "basic";
      token_body_encoding?: "form" | "json";
      scopes?: string[];
      params?: Record<string, string>;
    };
    mcp?: { url: string };
  };
  verify?: RequestView & { expect_status?: number[] };
  http?: { base_url: string; headers?: Record<string, string> };
  tools: ToolView[];
}
