/** Largest JSON body the API accepts. */
export const BODY_LIMIT = 1024 * 1024
/** Largest single attachment. */
export const ATTACHMENT_LIMIT = 25 * 1024 * 1024
