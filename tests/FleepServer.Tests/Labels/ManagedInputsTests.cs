using FleepServer.Domain.Conversations;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Labels;

/// <summary>
/// The managed-conversation inputs of conversation/create and conversation/store are refused with
/// not_supported until organisations exist, never silently dropped; false, null and empty pass.
/// </summary>
public sealed class ManagedInputsTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public void The_rule_refuses_only_set_values()
    {
        ManagedInputs.Refuse(null, null, null, null);
        ManagedInputs.Refuse(false, [], [], false);
        Assert.Equal("not_supported", Assert.Throws<FleepServer.Errors.FleepException>(() => ManagedInputs.Refuse(true, null, null, null)).ErrorId);
        Assert.Throws<FleepServer.Errors.FleepException>(() => ManagedInputs.Refuse(null, [Guid.NewGuid()], null, null));
        Assert.Throws<FleepServer.Errors.FleepException>(() => ManagedInputs.Refuse(null, null, [Guid.NewGuid()], null));
        Assert.Throws<FleepServer.Errors.FleepException>(() => ManagedInputs.Refuse(null, null, null, true));
    }

    [Fact]
    public async Task Create_and_store_refuse_managed_inputs_and_accept_their_empty_values()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var ids = new[] { bob.AccountId };

        (await alice.PostAsync("/api/conversation/create", new { topic = "m", account_ids = ids, is_managed = true })).AssertError(431, "not_supported");
        (await alice.PostAsync("/api/conversation/create", new { topic = "m", account_ids = ids, add_admins = new[] { bob.AccountId } }))
            .AssertError(431, "not_supported");
        var created = (await alice.PostAsync("/api/conversation/create",
            new { topic = "m", account_ids = ids, is_managed = false, add_admins = Array.Empty<Guid>(), is_deleted_by_admin = (bool?)null })).EnsureOk();
        var conversation = created.Header().GetProperty("conversation_id").GetGuid();

        foreach (var body in new object[]
                 {
                     new { is_managed = true }, new { add_admins = ids }, new { remove_admins = ids }, new { is_deleted_by_admin = true },
                 })
        {
            (await alice.PostAsync($"/api/conversation/store/{conversation}", body)).AssertError(431, "not_supported");
        }

        (await alice.PostAsync($"/api/conversation/store/{conversation}",
            new { is_managed = false, add_admins = Array.Empty<Guid>(), remove_admins = Array.Empty<Guid>(), is_deleted_by_admin = false, topic = "ok" }))
            .EnsureOk();
        Assert.Equal("ok", (await alice.HeaderAsync(conversation)).Str("topic"));
    }
}
