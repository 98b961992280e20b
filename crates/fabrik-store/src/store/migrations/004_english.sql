-- The ledger keeps what it says to a person in English too, beside the Swedish it always had,
-- so the English window shows no Swedish from the core. Rows from before fall back to Swedish.
ALTER TABLE runs ADD COLUMN error_en TEXT;
ALTER TABLE run_steps ADD COLUMN error_en TEXT;
ALTER TABLE run_steps ADD COLUMN waiting_for_en TEXT;
ALTER TABLE run_log ADD COLUMN message_en TEXT;
