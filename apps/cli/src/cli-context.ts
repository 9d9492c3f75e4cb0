/** What every command may ask of the program: the global options, parsed. */
export interface CliContext {
  globals(): { config: string; logLevel: string };
}
