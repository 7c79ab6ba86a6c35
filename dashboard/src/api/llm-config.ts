// Wire shape of a platform's provider key record (never the key; `key_hint` is its last 4 characters).
import type { Schemas } from './schemas';

export type LlmConfig = Schemas['LlmConfig'];
