import { describe, expect, it } from 'vitest';
import { cameraAvailable } from './platform';

describe('cameraAvailable', () => {
  it('offers the camera on phones only', () => {
    expect(cameraAvailable('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36')).toBe(true);
    expect(cameraAvailable('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)')).toBe(true);
    expect(cameraAvailable('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)')).toBe(false);
  });
});
