// The bpmn-js Modeler with the Zeebe properties panel: loaded only by the designer page (a dynamic
// import), with its CSS, so that no other page carries bpmn-js.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

/** The bank's own attributes on user tasks, as the workflow service reads them. */
const loanflowModdle = {
  name: 'LoanFlow',
  uri: 'http://loanflow.bank/schema/bpmn/1.0',
  prefix: 'loanflow',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'ApprovalStep',
      extends: ['bpmn:UserTask'],
      properties: [
        { name: 'stepCode', isAttr: true, type: 'String' },
        { name: 'dueInWorkingDays', isAttr: true, type: 'String' },
        { name: 'separatedFrom', isAttr: true, type: 'String' },
      ],
    },
  ],
};

export interface LoanflowAttrs {
  stepCode?: string;
  dueInWorkingDays?: string;
  separatedFrom?: string;
}

export interface SelectedElement {
  id: string;
  type: string;
  name: string;
  loanflow: LoanflowAttrs;
}

export interface Designer {
  importXml(xml: string): Promise<void>;
  saveXml(): Promise<string>;
  /** Sets loanflow attributes of a user task (undoable, as any edit). */
  setLoanflow(id: string, attrs: LoanflowAttrs): void;
  onSelect(listener: (element: SelectedElement | null) => void): void;
  onChange(listener: () => void): void;
  fit(): void;
  destroy(): void;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Bo {
  id: string;
  name?: string;
  $type: string;
  get(name: string): unknown;
}
interface Shape {
  id: string;
  type: string;
  businessObject: Bo;
}

function describe(el: Shape): SelectedElement {
  const bo = el.businessObject;
  const attr = (n: string) => {
    const v = bo.get(`loanflow:${n}`);
    return v === undefined || v === null ? undefined : String(v);
  };
  return {
    id: el.id,
    type: el.type,
    name: bo.name ?? '',
    loanflow: {
      stepCode: attr('stepCode'),
      dueInWorkingDays: attr('dueInWorkingDays'),
      separatedFrom: attr('separatedFrom'),
    },
  };
}

export function createDesigner(canvas: HTMLElement, panel: HTMLElement): Designer {
  const modeler = new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: panel },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      ZeebePropertiesProviderModule,
    ],
    moddleExtensions: { zeebe: zeebeModdle, loanflow: loanflowModdle },
    keyboard: { bindTo: canvas },
  });
  const get = <T>(name: string) => modeler.get(name) as T;
  let selected: Shape | null = null;
  const selectListeners: ((e: SelectedElement | null) => void)[] = [];
  const emitSelected = () => {
    for (const l of selectListeners) l(selected ? describe(selected) : null);
  };
  const bus = get<{ on(event: string, cb: (e: unknown) => void): void }>('eventBus');
  bus.on('selection.changed', (e) => {
    const sel = (e as { newSelection: Shape[] }).newSelection;
    selected = sel.length === 1 ? sel[0]! : null;
    emitSelected();
  });
  bus.on('element.changed', (e) => {
    const el = (e as { element: Shape }).element;
    if (selected && el.id === selected.id) emitSelected();
  });
  return {
    async importXml(xml) {
      await modeler.importXML(xml);
      this.fit();
    },
    async saveXml() {
      const { xml } = await modeler.saveXML({ format: true });
      return xml ?? '';
    },
    setLoanflow(id, attrs) {
      const element = get<{ get(id: string): Shape | undefined }>('elementRegistry').get(id);
      if (!element) return;
      const props: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(attrs))
        props[`loanflow:${k}`] = v === '' || v === undefined ? undefined : String(v);
      get<{ updateProperties(e: Shape, p: Record<string, unknown>): void }>(
        'modeling',
      ).updateProperties(element, props);
    },
    onSelect(listener) {
      selectListeners.push(listener);
    },
    onChange(listener) {
      bus.on('commandStack.changed', () => listener());
    },
    fit() {
      // The whole chain fits when it can; on a narrow screen it stays readable, from its start,
      // right of the palette.
      const canvas = get<{
        zoom(to: string | number): number;
        viewbox(box?: Box): { inner: Box; outer: Box; scale: number };
      }>('canvas');
      canvas.zoom('fit-viewport');
      const { inner, outer, scale: fitted } = canvas.viewbox();
      const scale = Math.min(1, Math.max(fitted, 0.75));
      const width = outer.width / scale;
      canvas.viewbox({
        x: inner.x - 110 / scale,
        y: inner.y - 20 / scale,
        width,
        height: outer.height / scale,
      });
    },
    destroy() {
      modeler.destroy();
    },
  };
}
