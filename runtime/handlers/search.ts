import { ApiError } from "../errors";
import type { AppHandlers } from "../router";

export const searchHandlers: Pick<AppHandlers, "searchMessages"> = {
  searchMessages: () => {
    throw new ApiError("internal", "not built yet");
  },
};
