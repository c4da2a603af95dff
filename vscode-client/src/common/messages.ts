// The server also announces each result with window/showMessage (for editors that show nothing
// of a command's result). This client shows results itself, so while a request runs the
// server's messages are held and the one repeating the result is dropped. No `vscode` import.

export interface ServerMessage {
  type: number; // LSP MessageType: 1 Error, 2 Warning, 3 Info, 4 Log
  message: string;
}

export class MessageFilter {
  private inFlight = 0;
  private held: ServerMessage[] = [];

  /** A request that will show its own result has started. */
  hold(): void {
    this.inFlight += 1;
  }

  /** A server message arrived: the messages to show now. */
  offer(message: ServerMessage): ServerMessage[] {
    if (this.inFlight > 0) {
      this.held.push(message);
      return [];
    }
    return [message];
  }

  /** The request ended (resultMessage undefined when it failed or was cancelled): the messages to show now. */
  release(resultMessage?: string): ServerMessage[] {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const repeat = resultMessage?.trim();
    if (repeat) {
      this.held = this.held.filter((m) => m.message.trim() !== repeat);
    }
    if (this.inFlight > 0) {
      return [];
    }
    const shown = this.held;
    this.held = [];
    return shown;
  }
}
