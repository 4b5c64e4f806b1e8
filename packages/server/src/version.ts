/** Latchkey's version, shown in the OpenAPI document and `latchkey --version`. */
export const VERSION = '0.1.0';
