-- Schema 3 (sign in with Tessera): an approval asked for without a password, which the device
-- must approve with the user verified (an unlock or a biometric check) and a typed number; and
-- whether the device said it verified the user when it approved.

ALTER TABLE approvals ADD COLUMN passwordless BIGINT NOT NULL DEFAULT 0;
ALTER TABLE approvals ADD COLUMN user_verified BIGINT NOT NULL DEFAULT 0;
