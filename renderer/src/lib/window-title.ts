/** The window's title: "Vireo", with the number of unread messages in front when there are any ("(3) Vireo"). */
export function windowTitle(unread: number): string {
  return unread > 0 ? `(${unread}) Vireo` : 'Vireo';
}
