// What the device can do that the web view alone cannot: the camera scanner on phones.
//
// The scanner is the official barcode-scanner plugin, registered in Rust only on phones
// (`cfg(mobile)`) and permitted only by the mobile capability. Its scanned text reaches the page
// on its way to Rust, as a pasted link does; nothing the page gets back carries a secret.
// Not verified on a phone here (docs/app.md).

import { Format, cancel, checkPermissions, requestPermissions, scan } from '@tauri-apps/plugin-barcode-scanner';

/** Whether this is a phone, where the camera scanner exists (desktops add from a picture). */
export function cameraAvailable(userAgent: string = navigator.userAgent): boolean {
  return /Android|iPhone|iPad|iPod/i.test(userAgent);
}

/** What a scan gave: the code's text, `denied` when the camera may not be used, null when the user gave up. */
export type ScanResult = { text: string } | 'denied' | null;

/** Scans a QR code with the camera. */
export async function scanCode(): Promise<ScanResult> {
  let permission = await checkPermissions();
  if (permission !== 'granted') permission = await requestPermissions();
  if (permission !== 'granted') return 'denied';
  try {
    const scanned = await scan({ windowed: false, formats: [Format.QRCode] });
    return { text: scanned.content };
  } catch {
    await cancel().catch(() => {});
    return null;
  }
}
