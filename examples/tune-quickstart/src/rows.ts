/** One CSV row as the csv handler reads it: column → string. */
export type Row = Record<string, string>;
export const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
