import { ApiError } from "../errors";
import type { AppHandlers } from "../router";

export const threadTurnHandlers: Pick<AppHandlers, "createThreadMessage"> = {
  createThreadMessage: () => {
    throw new ApiError("internal", "not built yet");
  },
};
