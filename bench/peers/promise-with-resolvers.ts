/**
 * Promise.withResolvers (ES2024) for Node 20, which lacks it. PostGraphile 5 calls it while
 * running table queries; without it every such query fails with "reading 'items'". Imported
 * first by postgraphile.ts, so it is installed before PostGraphile's modules evaluate.
 */
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};

const PromiseConstructor = Promise as unknown as { withResolvers?: WithResolvers };
if (typeof PromiseConstructor.withResolvers !== 'function') {
  const withResolvers: WithResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  Object.defineProperty(Promise, 'withResolvers', { value: withResolvers, writable: true, configurable: true });
}
