/** The driver names a scenario's `traffic.driver` may take: the built-in generator, or the k6 binary. */
export const driverNames = ['builtin', 'k6'] as const;
/** A traffic driver name. */
export type DriverName = (typeof driverNames)[number];
