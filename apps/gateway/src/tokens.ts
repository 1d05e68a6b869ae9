export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const AUDIT_TRAIL = Symbol('AUDIT_TRAIL');
