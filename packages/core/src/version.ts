/** The version Bulwark reports in SBOMs and JSON output. */
export const TOOL_VERSION = '0.1.0';
