package app.tessera.plugin

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The key store of `device` slots: each entry's key sealed with AES-256-GCM by one Keystore key
 * that needs no user authentication, the sealed bytes in the app's private SharedPreferences.
 * The entry's name is the associated data, so sealed keys cannot be swapped between entries.
 */
internal class DeviceKeys(private val context: Context) {
    private val saved = context.getSharedPreferences(PREFERENCES, Context.MODE_PRIVATE)

    fun save(entry: String, key: ByteArray) {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, sealingKey() ?: newSealingKey())
        cipher.updateAAD(entry.toByteArray(Charsets.UTF_8))
        val sealed = cipher.iv + cipher.doFinal(key)
        if (!saved.edit().putString(entry, encode(sealed)).commit()) {
            throw Refusal(Refusal.FAILED, "the sealed key could not be written")
        }
    }

    fun load(entry: String): ByteArray {
        val sealed = saved.getString(entry, null)?.let(::decode)
            ?: throw Refusal(Refusal.MISSING, "the key store has no such entry")
        // Without its Keystore key (a restore onto another phone, the app data cleared) a sealed
        // entry can never be opened again: that is a missing entry, not a new key to make.
        val key = sealingKey() ?: throw Refusal(Refusal.MISSING, "the sealing key is gone")
        if (sealed.size <= IV_LENGTH) throw Refusal(Refusal.FAILED, "the sealed key is damaged")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, sealed, 0, IV_LENGTH))
        cipher.updateAAD(entry.toByteArray(Charsets.UTF_8))
        return cipher.doFinal(sealed, IV_LENGTH, sealed.size - IV_LENGTH)
    }

    fun delete(entry: String) {
        saved.edit().remove(entry).commit()
    }

    private fun sealingKey(): SecretKey? {
        val store = KeyStore.getInstance(ANDROID_KEY_STORE).apply { load(null) }
        return store.getKey(ALIAS, null) as SecretKey?
    }

    private fun newSealingKey(): SecretKey {
        val strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        if (strongBox) {
            try {
                return generate(strongBox = true)
            } catch (e: StrongBoxUnavailableException) {
                // Some phones announce StrongBox and still refuse AES keys in it.
            }
        }
        return generate(strongBox = false)
    }

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            ALIAS,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setUserAuthenticationRequired(false)
        if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            spec.setIsStrongBoxBacked(true)
        }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEY_STORE)
        generator.init(spec.build())
        return generator.generateKey()
    }

    private companion object {
        const val ALIAS = "tessera-device-key"
        const val PREFERENCES = "tessera-device-keys"
    }
}
