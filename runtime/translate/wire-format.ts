// The one name for a wire shape (a surface a client speaks, a format a provider speaks):
// the provider catalog's, generated from spec/providers.yaml. A type-only import, erased at
// build time, so the translator still runs in plain node with nothing outside this folder.
export type { WireFormat } from "../../generated/providers/catalog";
