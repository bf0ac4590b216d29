// The `qianwen:auth/setup` import: this host changes no file.
const refused = () => {
  throw { payload: { tag: "refused", val: "this host changes no file" } };
};
export const canChange = refused;
export const appendLine = refused;
export const replaceLine = refused;
export const writeKey = refused;
export const makePrivate = refused;
