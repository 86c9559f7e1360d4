// @ts-check
/**
 * A tiny store: state changes only through a pure reducer; listeners hear every change.
 * Framework-free, so the review screen's state is tested under Node without a DOM.
 */

/**
 * @template S, A
 * @typedef {(state: S, previous: S, action: A) => void} Listener
 */

/**
 * @template S, A
 * @param {(state: S, action: A) => S} reduce pure: returns the same object when nothing changes
 * @param {S} initial
 * @returns {{getState: () => S, dispatch: (action: A) => S, on: (listener: Listener<S, A>) => () => void}}
 */
export function createStore(reduce, initial) {
  let state = initial;
  /** @type {Set<Listener<S, A>>} */
  const listeners = new Set();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next !== state) {
        const previous = state;
        state = next;
        for (const listener of [...listeners]) listener(state, previous, action);
      }
      return state;
    },
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
