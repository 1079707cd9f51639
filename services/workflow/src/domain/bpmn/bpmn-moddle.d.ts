// bpmn-moddle 10 ships no type declarations for its main entry; this is the part we use.
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    $type: string;
    id?: string;
    [property: string]: unknown;
  }
  export interface ParseWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
  }
  export interface FromXmlResult {
    rootElement: ModdleElement;
    warnings: ParseWarning[];
    references: unknown[];
    elementsById: Record<string, ModdleElement>;
  }
  export interface BpmnModdleInstance {
    fromXML(xml: string, typeName?: string): Promise<FromXmlResult>;
  }
  /** A factory (not a class): the BPMN meta-model extended with the given packages. */
  export function BpmnModdle(
    packages?: Record<string, unknown>,
    options?: Record<string, unknown>,
  ): BpmnModdleInstance;
}
