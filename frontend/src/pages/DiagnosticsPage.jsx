export default function DiagnosticsPage() {
  return <main className="page" data-testid="diagnostics-page"><h1>Diagnostics</h1></main>;
}
