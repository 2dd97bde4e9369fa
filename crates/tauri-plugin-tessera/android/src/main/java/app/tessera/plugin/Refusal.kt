package app.tessera.plugin

import android.util.Base64

/**
 * A refusal the Rust side understands: [code] is one of the codes in the plugin's `models.rs`
 * ("unavailable", "missing", "refused", "cancelled", "invalidated"); anything else is a failure.
 */
internal class Refusal(val code: String, message: String) : Exception(message) {
    companion object {
        const val UNAVAILABLE = "unavailable"
        const val MISSING = "missing"
        const val CANCELLED = "cancelled"
        const val INVALIDATED = "invalidated"
        const val FAILED = "failed"
    }
}

/** Bytes cross to Rust as standard base64 without line breaks. */
internal fun encode(bytes: ByteArray): String = Base64.encodeToString(bytes, Base64.NO_WRAP)

internal fun decode(text: String): ByteArray = Base64.decode(text, Base64.NO_WRAP)

/** What AES-256-GCM output looks like here: the 12-byte IV, then ciphertext and tag. */
internal const val IV_LENGTH = 12
internal const val TAG_BITS = 128
internal const val TRANSFORMATION = "AES/GCM/NoPadding"
internal const val ANDROID_KEY_STORE = "AndroidKeyStore"
