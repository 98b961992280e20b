// uPlot makes a number format from `navigator.language` as its module is read. WebKitGTK (the
// real window) reports the process's POSIX locale there, "C" when LANG is unset or C, which is
// no language tag: `Intl.NumberFormat("C")` throws, the chunk holding uPlot and the charts fails
// to load and the window goes blank. Imported before uPlot, this gives such a window a tag
// Intl accepts; the app's own formats never read `navigator.language` (they follow i18n.ts).
function valid(tag: string | undefined) {
  try {
    return !!tag && Intl.getCanonicalLocales(tag).length > 0;
  } catch {
    return false;
  }
}
if (typeof navigator !== 'undefined' && !valid(navigator.language)) {
  Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
}
