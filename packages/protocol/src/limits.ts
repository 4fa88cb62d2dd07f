/** Largest WebSocket message either side accepts; larger ones are refused, never parsed. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Most flow records in one batch. */
export const MAX_BATCH_RECORDS = 10_000;
