-- Space-time scan clusters: the communes of a cluster signal or alert (empty otherwise).
ALTER TABLE signals ADD COLUMN IF NOT EXISTS cluster_communes Array(String) DEFAULT [];
ALTER TABLE signals ADD COLUMN IF NOT EXISTS cluster_days UInt16 DEFAULT 0;
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS cluster_communes Array(String) DEFAULT [];
