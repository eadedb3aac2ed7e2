// The form of one lifecycle action: its fields from the lifecycle's vocabulary
// (schemas/alert-lifecycle.ts), and for characterising the WHO risk level of the chosen
// likelihood × consequence shown before it is sent, from the same matrix the server uses.
import type { PageContext } from '../contract.ts';
import { el } from '../dom.ts';
import { CONSEQUENCES, LIKELIHOODS, OUTCOMES, riskLevel, type ActionType } from '../../../../schemas/alert-lifecycle.ts';

interface Field {
  name: string;
  kind: 'textarea' | 'select';
  required?: boolean;
  /** A select's codes and the vocabulary their words are in (`inbox.<vocab>.<code>`). */
  options?: readonly string[];
  vocab?: string;
}

const notes: Field = { name: 'notes', kind: 'textarea' };
const FIELDS: Partial<Record<ActionType, Field[]>> = {
  assess_risk: [
    { name: 'hazard', kind: 'textarea', required: true },
    { name: 'exposure', kind: 'textarea', required: true },
    { name: 'context', kind: 'textarea', required: true },
    notes,
  ],
  characterise_risk: [
    { name: 'likelihood', kind: 'select', options: LIKELIHOODS, vocab: 'likelihood' },
    { name: 'consequence', kind: 'select', options: CONSEQUENCES, vocab: 'consequence' },
    notes,
  ],
  close: [{ name: 'outcome', kind: 'select', options: OUTCOMES, vocab: 'outcome' }, notes],
  reopen: [{ name: 'reason', kind: 'textarea', required: true }],
};

type Control = HTMLTextAreaElement | HTMLSelectElement;

function control(ctx: PageContext, f: Field): Control {
  const id = `action-field-${f.name}`;
  if (f.kind === 'select')
    return el(
      'select',
      { id, name: f.name, required: true },
      ...(f.options ?? []).map((o) => el('option', { value: o, text: ctx.t(`inbox.${f.vocab ?? ''}.${o}`) })),
    );
  return el('textarea', { id, name: f.name, rows: '2', maxlength: '4000', required: f.required === true });
}

/**
 * The form of `type`; `onSubmit` gets the non-empty inputs by field name. The submit button
 * is `#action-submit`, the fields `#action-field-<name>`.
 */
export function actionForm(
  ctx: PageContext,
  type: ActionType,
  onSubmit: (inputs: Record<string, string>, form: HTMLFormElement) => void,
  onCancel: () => void,
): HTMLFormElement {
  const fields = FIELDS[type] ?? [notes];
  const controls = new Map<string, Control>();
  const form = el(
    'form',
    { id: 'action-form', class: 'action-form', 'data-action': type, 'aria-labelledby': 'action-form-h' },
    el('h4', { id: 'action-form-h', text: ctx.t(`inbox.action.${type}`) }),
  );
  for (const f of fields) {
    const c = control(ctx, f);
    controls.set(f.name, c);
    form.append(
      el(
        'label',
        { for: c.id },
        ctx.t(`inbox.field.${f.name}`),
        f.required ? el('span', { class: 'req', title: ctx.t('inbox.field.required'), text: ' *' }) : null,
        c,
      ),
    );
  }
  if (type === 'characterise_risk') {
    const out = el('output', { id: 'action-risk-level', for: 'action-field-likelihood action-field-consequence', 'aria-live': 'polite' });
    const update = () => {
      const likelihood = controls.get('likelihood')!.value as (typeof LIKELIHOODS)[number];
      const consequence = controls.get('consequence')!.value as (typeof CONSEQUENCES)[number];
      const level = riskLevel(likelihood, consequence);
      out.className = `risk risk-${level}`;
      out.textContent = ctx.t(`inbox.risk.${level}`);
    };
    form.append(el('p', { class: 'risk-line' }, ctx.t('inbox.form.risk_level'), ': ', out));
    form.addEventListener('change', update);
    update();
  }
  if (type === 'close') {
    // The schema wants notes when the outcome is `other`: say so before the server does.
    const outcome = controls.get('outcome')!;
    const sync = () => ((controls.get('notes') as HTMLTextAreaElement).required = outcome.value === 'other');
    outcome.addEventListener('change', sync);
    sync();
  }
  const cancel = el('button', { type: 'button', id: 'action-cancel', text: ctx.t('inbox.form.cancel') });
  cancel.addEventListener('click', onCancel);
  form.append(
    el(
      'p',
      { class: 'form-buttons' },
      el('button', { type: 'submit', id: 'action-submit', text: ctx.t('inbox.form.submit') }),
      ' ',
      cancel,
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const inputs: Record<string, string> = {};
    for (const [name, c] of controls) {
      const v = c.value.trim();
      if (v !== '') inputs[name] = v;
    }
    onSubmit(inputs, form);
  });
  return form;
}
