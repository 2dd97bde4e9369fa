// How long the app takes to show its first code, split where the time goes: from the process
// starting (Rust's clock) to the page starting to load, and from there to the first code on
// screen. The figures stay on the device: the end-to-end run reads them from `window.tesseraStartup`.

import { api } from './api';

export interface Startup {
  /** When the process started, the page started to load and the first code was drawn (Unix ms). */
  processStart: number;
  pageStart: number;
  firstCode: number;
  /** Milliseconds from the process starting to the page starting to load. */
  processToPage: number;
  /** Milliseconds from the page starting to load to the first code on screen. */
  pageToFirstCode: number;
  /** The two together: what the user waits for. */
  processToFirstCode: number;
}

/** The figures, from three Unix times in milliseconds. */
export function startupFigures(processStart: number, pageStart: number, firstCode: number): Startup {
  return {
    processStart,
    pageStart,
    firstCode,
    processToPage: Math.round(pageStart - processStart),
    pageToFirstCode: Math.round(firstCode - pageStart),
    processToFirstCode: Math.round(firstCode - processStart),
  };
}

declare global {
  interface Window {
    tesseraStartup?: Startup;
  }
}

let shown = false;

/**
 * Called whenever a tile shows a code; only the first call counts. The time is taken after the
 * next frame is drawn (a task queued from the frame's callback runs once it is painted).
 */
export function firstCodeShown(): void {
  if (shown || typeof window === 'undefined') return;
  shown = true;
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark('first-code');
      const at = performance.timeOrigin + performance.now();
      api
        .startedAt()
        .then((processStart) => {
          window.tesseraStartup = startupFigures(processStart, performance.timeOrigin, at);
        })
        .catch(() => {});
    }),
  );
}
