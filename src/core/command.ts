/**
 * NeptuneCommand: the base of every command. It adds the global flags, builds the Output from them, and sends
 * every error through the one handler (src/core/handle.ts).
 */
import { Command, Flags } from '@oclif/core';
import { renderError } from './handle';
import { Output } from './output';
import { type GlobalSwitches, globalSwitches } from './switches';

export abstract class NeptuneCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({
      description: 'Show stack traces and debug details on errors.',
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      description: 'Colour output (default: on a terminal, unless NO_COLOR or TERM=dumb).',
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
    quiet: Flags.boolean({
      char: 'q',
      description: 'Print only results and errors.',
      helpGroup: 'GLOBAL',
    }),
  };

  private outputInstance: Output | undefined;

  protected get switches(): GlobalSwitches {
    return { ...globalSwitches(this.argv), json: this.jsonEnabled() };
  }

  /** The output layer for this run. */
  protected get output(): Output {
    if (!this.outputInstance) {
      const { json, quiet, noColor } = this.switches;
      this.outputInstance = new Output({ json, quiet, noColor });
    }
    return this.outputInstance;
  }

  protected override logJson(json: unknown): void {
    this.output.result(json);
  }

  override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const { json, debug } = this.switches;
    process.exitCode = renderError(error, { output: this.output, json, debug, commandId: this.id });
  }
}
