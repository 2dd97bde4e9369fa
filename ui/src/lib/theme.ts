// Light or dark: the setting is written to `data-theme` on <html>; app.css reads it, and follows
// prefers-color-scheme when the setting is "system".

import type { Theme } from './api';

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}
