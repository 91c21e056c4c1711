namespace FleepServer.Domain.Contacts;

/// <summary>
/// An import's <c>addr_full</c>: a bare address, or an address book entry in the e-mail header form
/// <c>Name &lt;address&gt;</c> (optionally with the name in quotes), which address books export.
/// The name is what the importer sees unless <c>addr_descr</c> says otherwise.
/// </summary>
public readonly record struct FullAddress(string Address, string? Name)
{
    public static FullAddress Parse(string text)
    {
        var trimmed = text.Trim();
        var open = trimmed.LastIndexOf('<');
        if (open < 0 || !trimmed.EndsWith('>'))
        {
            return new FullAddress(trimmed, null);
        }

        var name = trimmed[..open].Trim().Trim('"').Trim();
        return new FullAddress(trimmed[(open + 1)..^1].Trim(), name.Length == 0 ? null : name);
    }
}
