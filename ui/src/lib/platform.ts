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

/** Scans a QR code with the camera and gives its text, or null when the user gave up or said no. */
export async function scanCode(): Promise<string | null> {
  let permission = await checkPermissions();
  if (permission !== 'granted') permission = await requestPermissions();
  if (permission !== 'granted') return null;
  try {
    const scanned = await scan({ windowed: false, formats: [Format.QRCode] });
    return scanned.content;
  } catch {
    await cancel().catch(() => {});
    return null;
  }
}
