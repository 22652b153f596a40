export function readDevVars(candidates?: (string | undefined)[]): Record<string, string>;
