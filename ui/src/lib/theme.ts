// Light or dark: the theme in force is written to `data-theme` on <html>, and app.css reads only
// that. "system" follows prefers-color-scheme, and keeps following it when the system changes.

import type { Theme } from './api';

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let chosen: Theme = 'system';

/** The theme to show for a setting: "system" becomes what the system prefers. */
export function resolveTheme(theme: Theme, systemPrefersDark: boolean): 'light' | 'dark' {
  if (theme === 'system') return systemPrefersDark ? 'dark' : 'light';
  return theme;
}

export function applyTheme(theme: Theme): void {
  chosen = theme;
  document.documentElement.dataset.theme = resolveTheme(theme, darkQuery?.matches ?? false);
}

darkQuery?.addEventListener('change', () => applyTheme(chosen));
