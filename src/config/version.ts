/** Recorded in lineage so every partition says which code produced it. Set at deploy time on AWS. */
export const CODE_VERSION = process.env.CHARTLAKE_CODE_VERSION ?? 'chartlake@0.1.0';
