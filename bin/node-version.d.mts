/** The oldest supported Node.js as [major, minor], from package.json's engines field. */
export declare const required: () => [number, number]
/** Null when `version` (e.g. "v20.19.1") is new enough, else the message to print. */
export declare const tooOld: (version: string) => string | null
