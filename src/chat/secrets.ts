/**
 * Does text a user typed look like an API key or secret? Keys and secrets are long random runs of
 * letters and digits (Binance 64 characters; Bybit 18 and 36; OKX a UUID and 32 hex characters),
 * unlike the words of a command or a label (`main`, `sub-account-2024`). Used to protect users who
 * paste a key where it does not belong: the message is deleted, nothing is stored, and in a shared
 * chat they are told to revoke the key.
 */
const SECRET_WORD = /^[A-Za-z0-9][A-Za-z0-9+/=_-]{15,}$/;

export function looksLikeSecret(word: string): boolean {
  const w = word.trim();
  if (!SECRET_WORD.test(w) || !/[0-9]/.test(w) || !/[A-Za-z]/.test(w) || /^0x[0-9a-fA-F]{40}$/.test(w)) return false;
  if (w.length >= 32) return true;
  // A shorter one counts when letters and digits alternate as in random text, not as in `wallet2024`.
  let switches = 0;
  for (let i = 1; i < w.length; i++) if (/[0-9]/.test(w[i]) !== /[0-9]/.test(w[i - 1]) && /[A-Za-z0-9]/.test(w[i]) && /[A-Za-z0-9]/.test(w[i - 1])) switches++;
  return switches >= 3;
}

/** Any word of the text looks like a key or secret. */
export function carriesSecret(text: string): boolean {
  return text.split(/\s+/).some(looksLikeSecret);
}
