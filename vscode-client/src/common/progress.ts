// LSP work-done progress → what vscode.Progress takes. No `vscode` import.

export interface ProgressStep {
  message?: string;
  increment?: number; // vscode.Progress adds increments; LSP sends the percentage so far
}

/**
 * One progress token: each report's percentage becomes an increment of the bar and is shown
 * in the message. A stage that starts again from 0 (download, then set-up) keeps the bar
 * where it was: VS Code's bar cannot go back.
 */
export class PercentProgress {
  private reached = 0;
  /** The percentage of the last report; undefined after a report without one. */
  percent: number | undefined;

  step(message: string | undefined, percentage: number | undefined): ProgressStep {
    const step: ProgressStep = {};
    if (percentage === undefined) {
      this.percent = undefined;
      if (message) {
        step.message = message;
      }
      return step;
    }
    const percent = Math.max(0, Math.min(100, Math.round(percentage)));
    this.percent = percent;
    if (percent > this.reached) {
      step.increment = percent - this.reached;
      this.reached = percent;
    }
    if (message) {
      step.message = `${message} (${percent}%)`;
    }
    return step;
  }
}
