package app.tessera.plugin

import android.app.Activity
import app.tauri.annotation.Command
import app.tauri.annotation.InvokeArg
import app.tauri.annotation.TauriPlugin
import app.tauri.plugin.Invoke
import app.tauri.plugin.JSObject
import app.tauri.plugin.Plugin

@InvokeArg
class EntryArgs {
    lateinit var entry: String
}

@InvokeArg
class KeepArgs {
    lateinit var entry: String
    lateinit var key: String
}

@InvokeArg
class ReleaseArgs {
    lateinit var entry: String
    lateinit var kept: String
}

/**
 * Tessera's plugin on Android: the Keystore for `device` and `biometric` slots. Called from Rust
 * (`run_mobile_plugin`) on a worker thread, which waits for the answer; the prompt runs on the UI
 * thread. Screen protection (`FLAG_SECURE`) is set from Rust through JNI, not here.
 */
@TauriPlugin
class TesseraPlugin(private val activity: Activity) : Plugin(activity) {
    private val deviceKeys = DeviceKeys(activity)
    private val biometricKeys = BiometricKeys(activity)
    private val gate = BiometricGate(activity)

    @Command
    fun saveKey(invoke: Invoke) {
        val args = invoke.parseArgs(KeepArgs::class.java)
        answer(invoke) {
            val key = decode(args.key)
            deviceKeys.save(args.entry, key)
            key.fill(0)
            invoke.resolve()
        }
    }

    @Command
    fun loadKey(invoke: Invoke) {
        val args = invoke.parseArgs(EntryArgs::class.java)
        answer(invoke) {
            val key = deviceKeys.load(args.entry)
            resolveKey(invoke, key)
        }
    }

    @Command
    fun deleteKey(invoke: Invoke) {
        val args = invoke.parseArgs(EntryArgs::class.java)
        answer(invoke) {
            deviceKeys.delete(args.entry)
            invoke.resolve()
        }
    }

    @Command
    fun biometricAvailable(invoke: Invoke) {
        invoke.resolve(JSObject().apply { put("available", gate.available()) })
    }

    /** Seals the slot key under a new biometric key; the answer is `iv || ciphertext`. */
    @Command
    fun protectKey(invoke: Invoke) {
        val args = invoke.parseArgs(KeepArgs::class.java)
        answer(invoke) {
            // A key that needs a biometric cannot be made without one enrolled.
            if (!gate.available()) throw Refusal(Refusal.UNAVAILABLE, "no strong biometric is enrolled")
            val cipher = biometricKeys.sealing(args.entry)
            gate.authorise(cipher, R.string.tessera_protect_title, { authorised ->
                answer(invoke) {
                    val key = decode(args.key)
                    val kept = authorised.iv + authorised.doFinal(key)
                    key.fill(0)
                    invoke.resolve(JSObject().apply { put("kept", encode(kept)) })
                }
            }, { code, message ->
                // A key that was never used for a slot is of no use to anyone.
                biometricKeys.delete(args.entry)
                invoke.reject(message, code)
            })
        }
    }

    /** Opens what [protectKey] sealed, after a strong biometric. */
    @Command
    fun releaseKey(invoke: Invoke) {
        val args = invoke.parseArgs(ReleaseArgs::class.java)
        answer(invoke) {
            val kept = decode(args.kept)
            val cipher = biometricKeys.opening(args.entry, kept)
            gate.authorise(cipher, R.string.tessera_unlock_title, { authorised ->
                answer(invoke) {
                    val key = authorised.doFinal(kept, IV_LENGTH, kept.size - IV_LENGTH)
                    resolveKey(invoke, key)
                }
            }, { code, message -> invoke.reject(message, code) })
        }
    }

    @Command
    fun deleteBiometricKey(invoke: Invoke) {
        val args = invoke.parseArgs(EntryArgs::class.java)
        answer(invoke) {
            biometricKeys.delete(args.entry)
            invoke.resolve()
        }
    }

    private fun resolveKey(invoke: Invoke, key: ByteArray) {
        invoke.resolve(JSObject().apply { put("key", encode(key)) })
        key.fill(0)
    }

    /** Runs [work], and rejects with its refusal code (or as a failure) when it throws. */
    private inline fun answer(invoke: Invoke, work: () -> Unit) {
        try {
            work()
        } catch (refusal: Refusal) {
            invoke.reject(refusal.message, refusal.code)
        } catch (e: Exception) {
            invoke.reject(e.toString(), Refusal.FAILED)
        }
    }
}
