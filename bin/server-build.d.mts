export declare const ROOT: string
export declare const BUILT: string
export declare const sourcesOf: (root?: string) => string[]
export declare const newestMtime: (paths: string[]) => number
export declare const currentBuild: (built?: string, sources?: string[]) => string | null
export declare const buildServer: (outfile?: string) => Promise<string>
