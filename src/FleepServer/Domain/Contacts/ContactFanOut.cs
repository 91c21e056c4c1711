using FleepServer.Data;
using FleepServer.Records;
using FleepServer.Streams;

namespace FleepServer.Domain.Contacts;

/// <summary>
/// The recipient rule for contact records outside conversation changes (conversation joins send
/// contacts through <c>ConversationFanOut</c>, with the same builder). Runs inside the change's
/// unit of work:
/// <list type="bullet">
/// <item>a change of the owner's own list (private name or phone, hide, unlist, import, dialog)
/// reaches the owner's stream only, as the owner's view;</item>
/// <item>a change of an account itself reaches its own stream with the owner-only fields and, when
/// a field others see changed, the stream of everyone who has the account in their contact list,
/// each as that viewer's view (its private name stays).</item>
/// </list>
/// </summary>
public sealed class ContactFanOut(ContactBook book, StreamAppender stream)
{
    public void ToOwner(Guid ownerId, IEnumerable<ListedContact> contacts) =>
        stream.Add(contacts.Select(c => new StreamAppend(ownerId, ContactRecords.For(ownerId, c.Account, c.Entry))));

    public async Task AccountChangedAsync(Account account, bool publicFieldsChanged, CancellationToken ct)
    {
        List<StreamAppend> records = [new(account.Id, ContactRecords.ForOwner(account))];
        if (publicFieldsChanged)
        {
            var knowers = await book.KnowersAsync(account.Id, ct);
            records.AddRange(knowers.Select(k => new StreamAppend(k.OwnerId, ContactRecords.ForContact(account, k.Entry))));
        }

        stream.Add(records);
    }
}
