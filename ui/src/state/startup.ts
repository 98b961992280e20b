// Start-up order (issue #12): the customer list is painted from the register first; anything
// that needs the clouds (the simulator, the keyring, the network) is asked for afterwards, so
// it neither delays the first paint nor competes with it for the CPU.

let painted: () => void = () => {};
const listPainted = new Promise<void>((resolve) => {
  painted = resolve;
});

/** Cloud work waits for this: the list painted, or at most 1.5 s (a window opened elsewhere). */
export const afterListPainted: Promise<void> = Promise.race([listPainted, new Promise<void>((r) => setTimeout(r, 1500))]);

/** Called by the list once its first page (or its empty state, or its error) is on screen. */
export function markListPainted() {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (!performance.getEntriesByName('fabrik:list-painted').length) performance.mark('fabrik:list-painted');
      painted();
    }),
  );
}
