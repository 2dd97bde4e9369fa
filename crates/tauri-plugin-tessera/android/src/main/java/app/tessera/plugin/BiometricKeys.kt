package app.tessera.plugin

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The Keystore keys of `biometric` slots: one AES-256-GCM key per slot that the Keystore uses only
 * right after a strong biometric check, and that a new enrolment invalidates. This class makes the
 * ciphers; [BiometricGate] has them authorised by `BiometricPrompt`.
 *
 * An invalidated key is reported, never deleted and made again behind the user's back: the slot's
 * key is lost with it, and the user must unlock another way and turn biometric unlock on again.
 */
internal class BiometricKeys(private val context: Context) {
    /** A cipher that seals under a new key for [entry] (replacing any key of that name). */
    fun sealing(entry: String): Cipher {
        delete(entry)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, newKey(alias(entry)))
        return cipher
    }

    /** A cipher that opens what [sealing] made, once authorised. */
    fun opening(entry: String, kept: ByteArray): Cipher {
        if (kept.size <= IV_LENGTH) throw Refusal(Refusal.FAILED, "the slot's sealed key is damaged")
        val store = KeyStore.getInstance(ANDROID_KEY_STORE).apply { load(null) }
        val key = store.getKey(alias(entry), null) as SecretKey?
            ?: throw Refusal(Refusal.INVALIDATED, "the biometric key is gone")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, kept, 0, IV_LENGTH))
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw Refusal(Refusal.INVALIDATED, "the biometrics on this device changed")
        }
        return cipher
    }

    fun delete(entry: String) {
        val store = KeyStore.getInstance(ANDROID_KEY_STORE).apply { load(null) }
        if (store.containsAlias(alias(entry))) store.deleteEntry(alias(entry))
    }

    private fun newKey(alias: String): SecretKey {
        val strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        if (strongBox) {
            try {
                return generate(alias, strongBox = true)
            } catch (e: StrongBoxUnavailableException) {
                // Fall back to the TEE.
            }
        }
        return generate(alias, strongBox = false)
    }

    private fun generate(alias: String, strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setUserAuthenticationRequired(true)
            .setInvalidatedByBiometricEnrollment(true)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
            // Every use needs its own strong biometric check; no device credential.
            spec.setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG)
        } else {
            @Suppress("DEPRECATION")
            spec.setUserAuthenticationValidityDurationSeconds(-1)
        }
        if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            spec.setIsStrongBoxBacked(true)
        }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEY_STORE)
        generator.init(spec.build())
        return generator.generateKey()
    }

    private fun alias(entry: String) = "tessera-biometric:$entry"
}
