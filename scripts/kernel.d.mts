/** The text form's path (src/allowlist/kernel/aggregate.wat). */
export const WAT: string;
/** The module's bytes, assembled from the text form (the file's by default). */
export function assemble(text?: string): Promise<Buffer>;
