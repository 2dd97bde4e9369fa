// What the device can do that the web view alone cannot.

/**
 * Whether a camera scanner is there to read QR codes. False for now: on phones the barcode-scanner
 * plugin (tauri-plugin-barcode-scanner) wires this up; desktops add accounts from a picture instead.
 */
export function cameraAvailable(): boolean {
  return false;
}

/** Scans a QR code with the camera and gives its text, or null when the user gave up. */
export async function scanCode(): Promise<string | null> {
  return null;
}
