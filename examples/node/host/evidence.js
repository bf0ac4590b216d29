// The `qianwen:auth/evidence` import: this host runs `status` only, so it grants no writes.
export function write(_name, _contents, _replace) {
  throw { payload: { tag: "refused", val: "this host writes no evidence" } };
}
