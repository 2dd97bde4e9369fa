package app.tessera.plugin

import android.app.Activity
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import javax.crypto.Cipher

/**
 * Shows `BiometricPrompt` over the app's own activity (Tauri's activity is an AppCompatActivity,
 * so a FragmentActivity) and hands back the cipher once a strong biometric authorised it. The
 * official biometric plugin opens a separate activity for this; here the cipher would then have
 * to cross in a static, which the prompt over the running activity avoids.
 */
internal class BiometricGate(private val activity: Activity) {
    /** Whether a strong (class 3) biometric is enrolled and usable. */
    fun available(): Boolean =
        BiometricManager.from(activity).canAuthenticate(BIOMETRIC_STRONG) ==
            BiometricManager.BIOMETRIC_SUCCESS

    /**
     * Asks for a biometric to authorise [cipher], then calls [opened] with it on the UI thread, or
     * [refused] with a [Refusal] code and message.
     */
    fun authorise(
        cipher: Cipher,
        title: Int,
        opened: (Cipher) -> Unit,
        refused: (String, String) -> Unit
    ) {
        val host = activity as? FragmentActivity
            ?: return refused(Refusal.UNAVAILABLE, "the app's activity cannot show a biometric prompt")
        host.runOnUiThread {
            val callback = object : BiometricPrompt.AuthenticationCallback() {
                override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                    val authorised = result.cryptoObject?.cipher
                    if (authorised == null) {
                        refused(Refusal.FAILED, "the prompt returned no cipher")
                    } else {
                        opened(authorised)
                    }
                }

                override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                    refused(refusalFor(errorCode), errString.toString())
                }
                // onAuthenticationFailed is one unrecognised try: the prompt stays open.
            }
            val prompt = BiometricPrompt(host, ContextCompat.getMainExecutor(host), callback)
            val info = BiometricPrompt.PromptInfo.Builder()
                .setTitle(host.getString(title))
                .setSubtitle(host.getString(R.string.tessera_prompt_subtitle))
                .setNegativeButtonText(host.getString(R.string.tessera_prompt_cancel))
                .setAllowedAuthenticators(BIOMETRIC_STRONG)
                .setConfirmationRequired(false)
                .build()
            prompt.authenticate(info, BiometricPrompt.CryptoObject(cipher))
        }
    }

    private fun refusalFor(errorCode: Int): String = when (errorCode) {
        BiometricPrompt.ERROR_NO_BIOMETRICS,
        BiometricPrompt.ERROR_HW_NOT_PRESENT,
        BiometricPrompt.ERROR_HW_UNAVAILABLE -> Refusal.UNAVAILABLE
        BiometricPrompt.ERROR_USER_CANCELED,
        BiometricPrompt.ERROR_NEGATIVE_BUTTON,
        BiometricPrompt.ERROR_CANCELED,
        BiometricPrompt.ERROR_TIMEOUT,
        BiometricPrompt.ERROR_LOCKOUT,
        BiometricPrompt.ERROR_LOCKOUT_PERMANENT -> Refusal.CANCELLED
        else -> Refusal.FAILED
    }
}
