// Ends a wait as soon as the user cancels, without waiting for the server to acknowledge the
// $/cancelRequest. No `vscode` import: the token is structural.

export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export class Cancelled extends Error {
  constructor() {
    super("Cancelled");
    this.name = "Cancelled";
  }
}

export function raceCancellation<T>(work: Promise<T>, token: CancellationTokenLike): Promise<T> {
  if (token.isCancellationRequested) {
    work.catch(() => undefined);
    return Promise.reject(new Cancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const subscription = token.onCancellationRequested(() => {
      subscription.dispose();
      work.catch(() => undefined); // the request's own rejection is expected now
      reject(new Cancelled());
    });
    work.then(
      (value) => {
        subscription.dispose();
        resolve(value);
      },
      (error: unknown) => {
        subscription.dispose();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
