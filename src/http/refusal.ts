/**
 * What a model throws when the operation asked of it cannot be done as asked: a message for the person,
 * on the field it is about (`_form` for the whole form). Routes never guess the field from the message;
 * the model, which knows why, says it. `detail` carries what the page needs to show the refusal (the
 * departure gate that stayed closed, the rows of a register that were refused).
 */
export class Refusal<D = unknown> extends Error {
  constructor(
    public readonly field: string,
    public readonly messageKey: string,
    public readonly status: number = 422,
    public readonly detail?: D,
  ) {
    super(messageKey);
    this.name = 'Refusal';
  }
}

export const isRefusal = (err: unknown): err is Refusal => err instanceof Refusal;
